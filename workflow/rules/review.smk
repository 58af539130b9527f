# Review: the manifest of inputs and outputs, and the review page -> build/manifest.json, build/index.html
# (with build/review/, the redlines it links, and build/.previous/, the build it compares the next one with).
from rcm_docs.steps import review as review_jobs


rule review_index:
    # One step: the manifest and the page were made one after the other anyway, and the scheduler's pause
    # between two steps was longer than the manifest takes.
    input:
        documents=get_documents(),
        inputs=declared(get_inputs),
        status=expand("build/data/{country}.status.json", country=COUNTRIES) + preparedness_statuses(),
        previous=declared(get_previous_figures),
    output:
        manifest="build/manifest.json",
        index="build/index.html",
    log:
        "build/logs/review_index.log",
    params:
        code=CODE,
        previous=lambda wildcards: config.get("previous") or "",
        unlisted=unlisted(get_inputs, get_previous_figures),
    threads: 1
    run:
        workers.logged(log[0], review_jobs.manifest_and_index, root=".", outputs=input.documents,
                    status_jsons=input.status, manifest_json=output.manifest, index_html=output.index,
                    previous=params.previous or None)
