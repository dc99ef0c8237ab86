"""nbgrader configuration for instructors: run nbgrader commands from the repository root.

source/<NN-chapter>/ is the instructor version; `make release` writes the student version to
course/ (committed, so Binder and local students open it directly).
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "curso-kubernetes"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# The kernel of the environment nbgrader runs in (the project's .venv).
c.ExecutePreprocessor.kernel_name = "python3"
c.ExecutePreprocessor.timeout = 120          # seconds per cell
c.ExecutePreprocessor.startup_timeout = 120  # slow machines, first kernel start
c.ExecutePreprocessor.interrupt_on_timeout = True

# Student notebooks raise NotImplementedError in unanswered stubs; grading must go on.
c.ClearSolutions.code_stub = {
    "python": "# TU CÓDIGO AQUÍ\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "ESCRIBE TU RESPUESTA AQUÍ"

# Feedback HTML without the hidden tests' code: students read it, and hidden cases are reused
# from year to year. (The outputs stay: they are the Spanish feedback of each exercise.)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
