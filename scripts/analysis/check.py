"""Reads chorus-central's analysis files with pandas, as an analyst would,
and asserts their types. Usage: python3 check.py DIR"""
import sys

import pandas as pd

CODES = {-97: "not_asked", -98: "not_answered", -99: "not_reached"}


def main(out):
    book = pd.read_csv(f"{out}/codebook.csv", dtype={"option_code": str})
    wide = pd.read_csv(f"{out}/responses_wide.csv", parse_dates=["started_at", "created_at", "created_local_date"])
    long = pd.read_csv(f"{out}/answers_long.csv", dtype={"value": str})
    declined = pd.read_csv(f"{out}/declined.csv", parse_dates=["day"])
    fail = []

    for c in ["started_at", "created_at"]:
        if str(wide[c].dtype) != "datetime64[ns, UTC]":
            fail.append(f"{c} is {wide[c].dtype}, want datetime64[ns, UTC]")
    for c, df in [("created_local_date", wide), ("day", declined)]:
        if not pd.api.types.is_datetime64_any_dtype(df[c]):
            fail.append(f"{c} is {df[c].dtype}, want a date")
    for c in ["declined", "responses"]:
        if not pd.api.types.is_integer_dtype(declined[c]):
            fail.append(f"declined.csv {c} is {declined[c].dtype}, want integers")

    ordinal = book[book["ordinal"]]
    if ordinal.empty or not pd.api.types.is_numeric_dtype(ordinal["score"]) or ordinal["score"].isna().any():
        fail.append("codebook scores of ordinal questions are not all numeric")
    types = dict(zip(book["question"], book["type"]))
    for q, t in types.items():
        if q not in wide:
            continue
        if t in ("scale5", "number") and not pd.api.types.is_integer_dtype(wide[q]):
            fail.append(f"{q} ({t}) is {wide[q].dtype}, want integers")
        if t in ("scale5", "faces4"):
            scores = dict(zip(ordinal[ordinal["question"] == q]["option_code"], ordinal[ordinal["question"] == q]["score"]))
            answered = wide[q][~wide[q].astype(str).isin([str(k) for k in CODES])].astype(str)
            if not answered.map(scores).notna().all():
                fail.append(f"{q}: an answer has no score in the codebook")

    options = [c for c in wide.columns if "__" in c]
    if not options:
        fail.append("no option columns")
    for c in options:
        if not pd.api.types.is_integer_dtype(wide[c]) or not set(wide[c].unique()) <= {0, 1, *CODES}:
            fail.append(f"{c} holds {sorted(set(wide[c].unique()))}, want 0/1 or a missing code")
        if not set(wide[c].unique()) & {0, 1}:
            fail.append(f"{c} has no 0/1 at all")

    missing = long[long["status"] != "answered"]
    for code, status in CODES.items():
        got = set(missing[missing["value"] == str(code)]["status"])
        if got - {status}:
            fail.append(f"code {code} has statuses {got}, want {status}")
    if "not_asked" not in set(missing["status"]):
        fail.append("no question was routed past by skip logic in the demo")
    # Declared missing, the codes vanish: na_values as the README says.
    clean = pd.read_csv(f"{out}/responses_wide.csv", na_values=[str(k) for k in CODES])
    if any(clean[c].isin(list(CODES)).any() for c in options):
        fail.append("na_values did not clear the missing codes")

    if fail:
        print("pandas:", *fail, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"pandas {pd.__version__}: {len(wide)} responses, {len(long)} long rows, {len(options)} option columns: types as documented")


if __name__ == "__main__":
    main(sys.argv[1])
