"""Helpers for the customer journey mapping notebook suite.

The project model (:mod:`.model`) is the spine; the store (:mod:`.store`) reads
and writes it; the map, the data overlay, the forms and the reports build on it.
"""

from .model import Project
from .store import ProjectStore, load_project, save_project

__version__ = "0.1.0"

__all__ = ["Project", "ProjectStore", "__version__", "load_project", "save_project"]
