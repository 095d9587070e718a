"""Modeling pipelines in production (Course 3): tuning and NAS, compression, distributed and
high-performance training, model analysis and fairness, explainability.

Each submodule is imported on its own (``from mlep.modeling import compression``); none loads
TensorFlow until one of its functions needs it.
"""
