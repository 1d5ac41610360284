"""Certificates: each kind of proof of a conservation-law count, with its own independent checker.

A census's count is *proven* only by one of the certificates in this package; the independent
verifier of a saved census lives beside them.
"""
