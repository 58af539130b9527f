# Render: chapters, key points, funding updates, packs and sitreps as Markdown, DOCX and PDF
# -> build/rrp, keypoints, funding, packs, sitreps.
from rcm_docs.steps import render as render_jobs


rule render_rrp:
    input:
        figures="build/figures/{doc}.json",
        narratives=declared(get_narratives),
        plan="inputs/plan.yaml",
        template=get_template("rrp.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
        places=get_places,
    output:
        md="build/rrp/{doc}.md",
        docx="build/rrp/{doc}.docx",
        pdf="build/rrp/{doc}.pdf",
        charts=directory("build/charts/{doc}"),
    log:
        "build/logs/render_rrp/{doc}.log",
    # The longest documents (over a second each) first among those ready: started last, one held the build
    # open alone on one core.
    priority: 5
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    resources:
        mem_mb=1000,
    run:
        workers.logged(log[0], render_jobs.render_document, root=".", doc=wildcards.doc, figures_json=input.figures,
                    out_md=output.md, out_docx=output.docx, out_pdf=output.pdf, template_dirs=params.templates)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

rule render_keypoints:
    input:
        figures="build/figures/{doc}.json",
        funding="build/figures/funding/{doc}.json",
        messages=declared(get_key_messages),
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
        unlisted=unlisted(get_key_messages),
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        workers.logged(log[0], render_jobs.render_document, root=".", doc=wildcards.doc, figures_json=input.figures,
                    out_md=output.md, out_docx=output.docx, out_pdf=output.pdf, template_dirs=params.templates,
                    kind="keypoints", funding_json=input.funding)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

rule render_funding:
    input:
        figures="build/figures/{doc}.json",
        funding="build/figures/funding/{doc}.json",
        plan="inputs/plan.yaml",
        template=get_template("funding.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/funding/{doc}.md",
        docx="build/funding/{doc}.docx",
        pdf="build/funding/{doc}.pdf",
        charts=directory("build/charts/funding-{doc}"),
    log:
        "build/logs/render_funding/{doc}.log",
    params:
        code=CODE,
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        workers.logged(log[0], render_jobs.render_document, root=".", doc=wildcards.doc, figures_json=input.figures,
                    out_md=output.md, out_docx=output.docx, out_pdf=output.pdf, template_dirs=params.templates,
                    kind="funding", funding_json=input.funding)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

rule render_pack:
    input:
        figures="build/figures/{doc}.json",
        funding="build/figures/funding/{doc}.json",
        sitrep=get_latest_sitrep,
        narratives=declared(get_pack_narratives),
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
        workers.logged(log[0], render_jobs.render_document, root=".", doc=wildcards.doc, figures_json=input.figures,
                    out_md=output.md, out_docx=output.docx, out_pdf=output.pdf, template_dirs=params.templates,
                    kind="pack", funding_json=input.funding, sitrep_json=input.sitrep[0] if input.sitrep else None,
                    audience=wildcards.audience, annex_xlsx=output.xlsx)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail

rule render_sitrep:
    wildcard_constraints:
        period=OPEN_PERIOD,
    input:
        figures="build/figures/{doc}.json",
        sitrep="build/figures/sitreps/{period}/{doc}.json",
        highlights=declared(get_highlights),
        plan="inputs/plan.yaml",
        template=get_template("sitrep.md.j2"),
        macros=get_template("_macros.md.j2"),
        typst=get_template("rrp.typ"),
        chart=get_template("chart.typ"),
        reference=get_template("reference.docx"),
    output:
        md="build/sitreps/{period}/{doc}.md",
        docx="build/sitreps/{period}/{doc}.docx",
        pdf="build/sitreps/{period}/{doc}.pdf",
        charts=directory("build/charts/sitreps-{period}-{doc}"),
    log:
        "build/logs/render_sitrep/{period}/{doc}.log",
    params:
        code=CODE,
        unlisted=unlisted(get_highlights),
        templates=TEMPLATE_DIRS,
    threads: 1
    run:
        workers.logged(log[0], render_jobs.render_document, root=".", doc=wildcards.doc, figures_json=input.figures,
                    out_md=output.md, out_docx=output.docx, out_pdf=output.pdf, template_dirs=params.templates,
                    kind="sitrep", sitrep_json=input.sitrep)
        lastgood.keep(output, log[0])  # the last good documents, should a later run fail
