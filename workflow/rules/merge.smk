rule merge_plan:
    input:
        rows=expand("build/data/{country}.rows.csv", country=COUNTRIES),
        status=expand("build/data/{country}.status.json", country=COUNTRIES),
        plan="inputs/plan.yaml",
    output:
        csv="build/plan/plan_rows.csv",
        xlsx="build/plan/plan_rows.xlsx",
    log:
        "build/logs/merge_plan.log",
    threads: 1
    resources:
        mem_mb=1500,
    params:
        code=CODE,
        incomplete=ALLOW_INCOMPLETE,
        # Its own process: writing ~1M XLSX cells is pure Python and would hold the GIL from the other steps.
        kwargs=lambda wildcards, input, output: json.dumps({"root": ".", "rows_csvs": list(input.rows),
            "status_jsons": list(input.status), "out_csv": output.csv, "out_xlsx": output.xlsx,
            "allow_incomplete": ALLOW_INCOMPLETE}),
    shell:
        "{PY} -m rcm_docs.jobs merge_plan {log} {params.kwargs:q}"
