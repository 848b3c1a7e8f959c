# ike/engine.mk: IKEv1 exchange engine (Main Mode, Quick Mode, Informational).  Included by the top-level Makefile.am.
