"""Modeling pipelines: tuning, compression, distributed training, analysis, explainability.

Coming with Course 3 (see the course site).
"""
