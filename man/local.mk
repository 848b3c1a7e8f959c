# man: build fragment, included by the top-level Makefile.am
dist_man_MANS += man/ipsecpol-store.5
dist_man_MANS += man/ipsecpold.8 man/ipsecpold.conf.5
# ipsecpol(8): mdoc with the configured paths substituted at build time.
man_MANS += man/ipsecpol.8
EXTRA_DIST += man/ipsecpol.8.in
CLEANFILES += man/ipsecpol.8
man/ipsecpol.8: man/ipsecpol.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && sed -e 's|%STATEDIR%|$(statedir)|g' -e 's|%RUNDIR%|$(rundir)|g' \
	    -e 's|%DATADIR%|$(datadir)|g' $(srcdir)/man/ipsecpol.8.in > $@.tmp && mv $@.tmp $@
dist_man_MANS += man/ipsecpol-iked.8
