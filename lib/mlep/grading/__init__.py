"""Lab grading: feedback helpers for test cells and tools around nbgrader.

- :mod:`mlep.grading.expect` — checks used inside lab test cells; each failure says which
  exercise, what was expected and what was got, in the learner's terms.
- :mod:`mlep.grading.notebooks` — reads a lab notebook's exercises (nbgrader metadata).
- :mod:`mlep.grading.harness` — runs an exercise's tests against any implementation
  in-process (used to prove that wrong answers lose points).
- :mod:`mlep.grading.nbgrader` — the instructor and learner flows around real nbgrader
  (tools environment).
- :mod:`mlep.grading.repair` — puts damaged notebooks back into a gradable shape (lost
  metadata, copied cells, a cell that kills the kernel), saying what was done.
- :mod:`mlep.grading.verdict` — one verdict per exercise from an executed notebook, the same
  for ``mlep check`` and ``mlep grade``.
- :mod:`mlep.grading.classroom` — grades a class in parallel (threads or Dask), merges the
  results into one gradebook, resumes; :mod:`mlep.grading.submission` grades one submission
  in a scratch folder, :mod:`mlep.grading.gradebook` keeps the course's records (gradebook,
  feedback files, grade log) and :mod:`mlep.grading.platforms` exports for learning platforms.
- :mod:`mlep.grading.sandbox` — runs graded kernels in a bubblewrap sandbox; its command line
  is :mod:`mlep.grading.bubblewrap`, its resource limits :mod:`mlep.grading.limits`.
- :mod:`mlep.grading.nbhooks` — what the nbgrader configuration plugs in (cell trace, feedback
  pages without hidden code or paths).
- :mod:`mlep.grading.tamper` — in a graded kernel, test cells run against the lab's names, the
  library and the kernel's hooks as shipped, and fail if any of them changes while they run.
"""
