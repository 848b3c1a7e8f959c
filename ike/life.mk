# ike/life.mk: issue #8 (life).  Included by the top-level Makefile.am.
# Child lifetimes, rekey and delete, in the engine library.
ike_libikev1_a_SOURCES += ike/sa_life.c
