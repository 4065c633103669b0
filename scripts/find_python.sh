#!/usr/bin/env sh
# Print the newest CPython >= 3.12 found on PATH or in pyenv (PySide6 6.12 aborts on 3.11).
works() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for candidate in python3.14 python3.13 python3.12 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if works "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for dir in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -V -r); do
        if works "$dir/bin/python3"; then echo "$dir/bin/python3"; exit 0; fi
    done
fi
if command -v python3 >/dev/null 2>&1; then
    echo "warning: no Python 3.12+ found; using $(python3 --version 2>&1)" >&2
    command -v python3; exit 0
fi
echo "error: no python3 found" >&2
exit 1
