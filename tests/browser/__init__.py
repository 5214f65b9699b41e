"""Helpers for the real-browser tests: a private JupyterLab server and a Chromium page on it."""
