"""Lab grading: feedback helpers for test cells and tools around nbgrader.

- :mod:`mlep.grading.expect` — checks used inside lab test cells; each failure says which
  exercise, what was expected and what was got, in the learner's terms.
- :mod:`mlep.grading.notebooks` — reads a lab notebook's exercises (nbgrader metadata).
- :mod:`mlep.grading.harness` — runs an exercise's tests against any implementation
  in-process (used to prove that wrong answers lose points).
- :mod:`mlep.grading.nbgrader` — the instructor and learner flows around real nbgrader
  (tools environment).
"""
