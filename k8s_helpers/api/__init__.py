"""Kubernetes API machinery for the course: quantities, labels and manifest validation.

Submodules are imported on demand so ``import k8s_helpers`` stays cheap.
"""
