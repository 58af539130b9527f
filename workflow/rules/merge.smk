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
    params:
        code=CODE,
        incomplete=INCOMPLETE,
    resources:
        mem_mb=1500,
    shell:
        '"{PY}" -m rcm_docs job merge-plan --rows {input.rows} --status {input.status}'
        " --csv {output.csv} --xlsx {output.xlsx} {params.incomplete} 2>&1 | tee {log}"
