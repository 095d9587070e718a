"""Deployment: rollout patterns, serving, load, batch inference, pipelines and monitoring.

- :mod:`mlep.deployment.rollout` — a deterministic simulator of Course 1's deployment
  patterns over a seeded request stream: :func:`~mlep.deployment.rollout.shadow` mode,
  :func:`~mlep.deployment.rollout.canary` release with automatic promote/rollback,
  :func:`~mlep.deployment.rollout.blue_green` switch with instant rollback, and the degrees
  of automation (:func:`~mlep.deployment.rollout.automation_tradeoff`).
- :mod:`mlep.deployment.monitoring` — metrics with thresholds and alarms
  (:class:`~mlep.deployment.monitoring.Monitor`), data-drift measures (PSI, KS,
  Jensen-Shannon, L-infinity) and concept-drift detectors (river's ADWIN, Page-Hinkley, DDM)
  with seeded streams to test them.

Course 4 adds, each imported on its own: :mod:`mlep.deployment.serving` (a server speaking TF
Serving's REST API, and its client), :mod:`mlep.deployment.loadtest` (Locust, headless),
:mod:`mlep.deployment.autoscaling` (the HPA rule, simulated), :mod:`mlep.deployment.batch`
(Beam batch inference) and :mod:`mlep.deployment.pipelines` (a complete TFX pipeline that
pushes to the server, a custom component, a quality gate, maturity levels). Importing this
package loads neither TensorFlow, Beam nor torch.
"""
