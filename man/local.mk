# man: build fragment, included by the top-level Makefile.am
dist_man_MANS += man/ipsecpol-store.5
dist_man_MANS += man/ipsecpold.8 man/ipsecpold.conf.5
