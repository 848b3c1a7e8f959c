# sql2c.awk: a text file as one C string named by -v name=...; every line kept as is.
BEGIN {
	print "/* Generated from schema/ipsecpol.sql by schema/sql2c.awk; do not edit. */"
	print "#include \"store/sqlite.h\""
	print ""
	print "const char " name "[] ="
}
{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	gsub(/\t/, "\\t")
	print "\t\"" $0 "\\n\""
}
END { print "\t\"\";" }
