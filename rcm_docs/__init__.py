"""rcm-docs: refugee response plans built from sector submissions.

Stages, each a module: read -> validate -> merge -> figures -> render.
"""

__version__ = "0.1.0"
