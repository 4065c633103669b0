#!/usr/bin/env bash
# Dev loop for pre-annotation quality: init -> import -> preannotate -> export -> score.py.
#   bench/eval_suggestions.sh [WORKDIR] [--gum|--ecb|--all] [--tasks T] [--errors N] [--docs N]
# Needs the shared dev set (../shared/eval); prints the key figures (and errors with --errors).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
EVAL=${EVAL:-$here/../shared/eval}
PY=${PY:-python}
W=${1:-$(mktemp -d)}; shift || true
set_="all"; tasks=""; errors=""; docs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --gum) set_="gum";; --ecb) set_="ecb";; --all) set_="all";;
    --tasks) tasks="$2"; shift;; --errors) errors="$2"; shift;; --docs) docs="$2"; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac; shift
done
mkdir -p "$W"
case "$set_" in
  gum) texts="$EVAL/gum_news_dev_texts.jsonl"; gold=("$EVAL/gum_news_dev.jsonl");;
  ecb) texts="$EVAL/ecbplus_dev_texts.jsonl"; gold=("$EVAL/ecbplus_dev.jsonl");;
  *) texts="$EVAL/dev_texts.jsonl"; gold=("$EVAL/gum_news_dev.jsonl" "$EVAL/ecbplus_dev.jsonl");;
esac
if [ -n "$docs" ]; then head -n "$docs" "$texts" > "$W/texts.jsonl"; texts="$W/texts.jsonl"; fi
rm -f "$W"/p.annproj*
A=("$PY" -m annotator.cli)
"${A[@]}" init "$W/p.annproj" >/dev/null
"${A[@]}" import "$W/p.annproj" "$texts" --format jsonl >/dev/null
"${A[@]}" preannotate "$W/p.annproj" > "$W/preannotate.log"
"${A[@]}" export "$W/p.annproj" "$W/sug.jsonl" --format jsonl --layer suggestions >/dev/null
args=("$W/sug.jsonl" --gold "${gold[@]}" --json "$W/scores.json")
[ -n "$tasks" ] && args+=(--tasks "$tasks")
[ -n "$errors" ] && args+=(--errors "$errors")
python3 "$EVAL/score.py" "${args[@]}" > "$W/scores.md"
"$PY" "$here/bench/key_figures.py" "$W/scores.json" "$EVAL/baseline/scores_dev.json"
echo "suggestions and scores in $W"
