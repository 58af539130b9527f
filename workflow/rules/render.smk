rule render_rrp:
    input:
        figures="build/figures/{doc}.json",
        narratives=get_narratives,
        plan="inputs/plan.yaml",
        template=get_template("rrp.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/rrp/{doc}.md",
        docx="build/rrp/{doc}.docx",
        pdf="build/rrp/{doc}.pdf",
        charts=directory("build/charts/{doc}"),
    log:
        "build/logs/render_rrp/{doc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    resources:
        mem_mb=1000,
    run:
        jobs.logged(log[0], jobs.render_document, ".", wildcards.doc, input.figures, output.md, output.docx,
                    output.pdf, params.templates)
