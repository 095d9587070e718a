"""nbgrader configuration for MLEP Companion.

Source notebooks live in ``solutions/``, released notebooks in ``labs/``; everything an
instructor's class produces (submissions, autograded copies, feedback, the gradebook) lives
under ``autograder/var/`` (ignored by git). ``MLEP_COURSE_ROOT`` points the same settings at
another course folder (the tests grade a demo class in a temporary one).

Use it through the ``mlep`` command (``mlep release``, ``mlep grade``), which runs nbgrader
from this folder, or run ``nbgrader`` here yourself.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

root = Path(os.environ.get("MLEP_COURSE_ROOT", Path(__file__).resolve().parents[1]))
var = "autograder/var"

c.CourseDirectory.course_id = "mlep-companion"
c.CourseDirectory.root = str(root)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"
c.CourseDirectory.submitted_directory = f"{var}/submitted"
c.CourseDirectory.autograded_directory = f"{var}/autograded"
c.CourseDirectory.feedback_directory = f"{var}/feedback"
c.CourseDirectory.db_url = f"sqlite:///{root / var / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A cell that runs longer than this is interrupted and scores 0; the rest of the lab goes on.
c.Execute.timeout = int(os.environ.get("MLEP_CELL_TIMEOUT", 240))
c.Execute.interrupt_on_timeout = True

# Every learner's kernel runs in a bubblewrap sandbox: no network, no view of solutions/ or
# the gradebook, limits from MLEP_SANDBOX_* (see mlep.grading.sandbox and docs/instructors.md).
# `mlep grade --no-sandbox` sets MLEP_SANDBOX=0; without bwrap, nbgrader refuses to start.
from mlep.grading import sandbox as _sandbox  # noqa: E402

if _sandbox.enabled():
    _sandbox.install_nbgrader()

# nbgrader 0.9.6 scores 0 any graded cell that wrote to stderr, even when it passed
# (TensorFlow and Beam log there). Grade on the tests' outcome, not on log noise.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = ".*"


# Feedback pages show each hidden test's outcome and message, not its code, its traceback or the
# grader's paths; a learner's cell that quotes the hidden-test marker is left alone.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from mlep.grading.nbhooks import ClearHiddenTestsOfTestCells, SanitizeOutputs, trace_cell  # noqa: E402

c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTestsOfTestCells,
    SanitizeOutputs,
    CSSHTMLHeaderPreprocessor,
]

# Each cell's index is written to $MLEP_CELL_TRACE before it runs: when the kernel dies
# (os._exit(), out of memory), `mlep grade` names that cell and grades the rest without it.
c.Execute.on_cell_execute = trace_cell
