"""Deployment: serving, rollout, batch inference, pipelines and monitoring.

Coming with Course 4 (see the course site).
"""
