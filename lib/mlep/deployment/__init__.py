"""Deployment: rollout patterns and monitoring (serving, batch inference and pipelines later).

- :mod:`mlep.deployment.rollout` — a deterministic simulator of Course 1's deployment
  patterns over a seeded request stream: :func:`~mlep.deployment.rollout.shadow` mode,
  :func:`~mlep.deployment.rollout.canary` release with automatic promote/rollback,
  :func:`~mlep.deployment.rollout.blue_green` switch with instant rollback, and the degrees
  of automation (:func:`~mlep.deployment.rollout.automation_tradeoff`).
- :mod:`mlep.deployment.monitoring` — metrics with thresholds and alarms
  (:class:`~mlep.deployment.monitoring.Monitor`), data-drift measures (PSI, KS,
  Jensen-Shannon, L-infinity) and concept-drift detectors (river's ADWIN, Page-Hinkley, DDM)
  with seeded streams to test them.

Serving, batch inference and pipelines come with Course 4 (see the course site). Importing
this package loads neither TensorFlow, Beam nor torch.
"""
