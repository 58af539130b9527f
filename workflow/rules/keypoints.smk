rule validate_funding:
    input:
        funding=get_funding,
        plan="inputs/plan.yaml",
        partners="inputs/partners.csv",
    output:
        rows="build/data/funding.rows.csv",
        status="build/data/funding.status.json",
        reports=directory("build/reports/funding"),
    log:
        "build/logs/validate_funding.log",
    params:
        code=CODE,
    threads: 1
    run:
        jobs.logged(log[0], jobs.validate_funding, ".", output.rows, output.status, output.reports)


rule figures_funding:
    input:
        rows="build/data/funding.rows.csv",
        status="build/data/funding.status.json",
        figures="build/figures/{doc}.json",
    output:
        "build/figures/funding/{doc}.json",
    log:
        "build/logs/figures_funding/{doc}.log",
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
    threads: 1
    run:
        jobs.logged(log[0], jobs.funding_figures, ".", input.rows, input.status, input.figures, output[0],
                    params.incomplete)


rule render_keypoints:
    input:
        figures="build/figures/{doc}.json",
        funding="build/figures/funding/{doc}.json",
        plan="inputs/plan.yaml",
        template=get_template("keypoints.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/keypoints/{doc}.md",
        docx="build/keypoints/{doc}.docx",
        pdf="build/keypoints/{doc}.pdf",
    log:
        "build/logs/render_keypoints/{doc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        jobs.logged(log[0], jobs.render_document, ".", wildcards.doc, input.figures, output.md, output.docx,
                    output.pdf, params.templates, "keypoints", input.funding)


rule render_pack:
    input:
        figures="build/figures/{doc}.json",
        funding="build/figures/funding/{doc}.json",
        sitrep=get_latest_sitrep,
        narratives=get_pack_narratives,
        plan="inputs/plan.yaml",
        template=get_template("pack.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/packs/{audience}/{doc}.md",
        docx="build/packs/{audience}/{doc}.docx",
        pdf="build/packs/{audience}/{doc}.pdf",
        xlsx="build/packs/{audience}/{doc}.xlsx",
    log:
        "build/logs/render_pack/{audience}/{doc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        jobs.logged(log[0], jobs.render_document, ".", wildcards.doc, input.figures, output.md, output.docx,
                    output.pdf, params.templates, "pack", input.funding, input.sitrep[0] if input.sitrep else None,
                    wildcards.audience, output.xlsx)
