# man: build fragment, included by the top-level Makefile.am
# ipsecpol(8): mdoc with the configured paths substituted at build time.
man_MANS += man/ipsecpol.8
EXTRA_DIST += man/ipsecpol.8.in
CLEANFILES += man/ipsecpol.8
man/ipsecpol.8: man/ipsecpol.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && sed -e 's|%STATEDIR%|$(statedir)|g' -e 's|%RUNDIR%|$(rundir)|g' \
	    -e 's|%DATADIR%|$(datadir)|g' $(srcdir)/man/ipsecpol.8.in > $@.tmp && mv $@.tmp $@
