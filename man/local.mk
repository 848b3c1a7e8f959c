# man: build fragment, included by the top-level Makefile.am
dist_man_MANS += man/ipsecpol-store.5
