"""Generators of hostile and broken submissions for the autograder tests and benchmark."""
