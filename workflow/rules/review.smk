# Review: the manifest of inputs and outputs, and the review page -> build/manifest.json, build/index.html
# (with build/review/, the redlines it links, and build/.previous/, the build it compares the next one with).
from rcm_docs.build import review as review_jobs


rule manifest:
    input:
        documents=get_documents(),
        inputs=declared(get_inputs),
    output:
        "build/manifest.json",
    log:
        "build/logs/manifest.log",
    params:
        code=CODE,
        unlisted=unlisted(get_inputs),
    threads: 1
    run:
        workers.logged(log[0], review_jobs.write_manifest, ".", input.documents, output[0])

rule review_index:
    input:
        status=expand("build/data/{country}.status.json", country=COUNTRIES) + preparedness_statuses(),
        documents=get_documents(),
        manifest="build/manifest.json",  # the input files that changed since the last build
        previous=declared(get_previous_figures),
    output:
        "build/index.html",
    log:
        "build/logs/review_index.log",
    params:
        code=CODE,
        previous=lambda wildcards: config.get("previous") or "",
        unlisted=unlisted(get_previous_figures),
    threads: 1
    run:
        workers.logged(log[0], review_jobs.write_index, ".", input.status, output[0], params.previous or None)
