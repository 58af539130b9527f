# Issued sitreps (`rcm-docs issue PERIOD`): the documents and figures as sent, copied back from
# inputs/issued/sitreps/<period>/ instead of being rebuilt -> build/sitreps/<period>/, build/figures/sitreps/<period>/.
from rcm_docs.steps import issued as issued_jobs


rule keep_issued_figures:
    wildcard_constraints:
        period=ISSUED_PERIOD,
    input:
        "inputs/issued/sitreps/{period}/figures/{doc}.json",
    output:
        "build/figures/sitreps/{period}/{doc}.json",
    run:
        issued_jobs.keep(root=".", period=wildcards.period, doc=wildcards.doc, out_figures=output[0])

rule keep_issued_sitrep:
    wildcard_constraints:
        period=ISSUED_PERIOD,
    input:
        md="inputs/issued/sitreps/{period}/{doc}.md",
        docx="inputs/issued/sitreps/{period}/{doc}.docx",
        pdf="inputs/issued/sitreps/{period}/{doc}.pdf",
    output:
        md="build/sitreps/{period}/{doc}.md",
        docx="build/sitreps/{period}/{doc}.docx",
        pdf="build/sitreps/{period}/{doc}.pdf",
        charts=directory("build/charts/sitreps-{period}-{doc}"),
    run:
        issued_jobs.keep(root=".", period=wildcards.period, doc=wildcards.doc, out_md=output.md, out_docx=output.docx,
                         out_pdf=output.pdf, charts_dir=output.charts)
