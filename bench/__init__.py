"""``make bench``: the hub measured against a hand-written baseline, side by side, in one run.

Run ``python -m bench --help`` for the options; ``bench/README.md`` says what is measured and how.
"""
