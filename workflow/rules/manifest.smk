rule manifest:
    input:
        documents=get_documents(),
        inputs=get_inputs,
    output:
        "build/manifest.json",
    log:
        "build/logs/manifest.log",
    params:
        code=CODE,
    shell:
        '"{PY}" -m rcm_docs job manifest --out {output} {input.documents} 2>&1 | tee {log}'


rule review_index:
    input:
        status=expand("build/data/{country}.status.json", country=COUNTRIES),
        documents=get_documents(),
        previous=get_previous_figures,
    output:
        "build/index.html",
    log:
        "build/logs/review_index.log",
    params:
        code=CODE,
        previous=f'--previous "{config["previous"]}"' if config.get("previous") else "",
    shell:
        '"{PY}" -m rcm_docs job index --out {output} {params.previous} {input.status} 2>&1 | tee {log}'
