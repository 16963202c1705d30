"""The claims check (数字核对): each figure of a submitted writing set against the author's
ledger over the period the writing covers. `matching.check_text` is the public API; the rest
stores a check per submitted version, runs it in the background and shows it. docs/claimcheck.md.
"""
