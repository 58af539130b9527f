"""rcm-docs: refugee response plans built from sector submissions.

The package follows the data, each stage a sub-package that imports only the ones before it:
common (the plan, the workspace, number formats) -> intake (read and check what people drop in) ->
model (merge the accepted rows, compute every figure) -> documents (templates, charts, DOCX, PDF) ->
review (what changed between two drafts) -> build (the Snakemake steps and the workers running them).
cli.py, commands.py and demo/ (the example workspace) sit on top.
"""

__version__ = "0.1.0"
