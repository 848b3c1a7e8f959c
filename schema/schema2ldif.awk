# schema2ldif.awk: an OpenLDAP .schema file to the cn=config LDIF that ldapadd or slapadd
# loads.  Each attributetype/objectclass definition becomes one olcAttributeTypes or
# olcObjectClasses value; its continuation lines stay LDIF continuation lines.
# Usage: awk -v name=ipsecpol -f schema2ldif.awk ipsecpol.schema > ipsecpol.ldif
BEGIN {
	print "# " name ".ldif: made from " name ".schema by schema2ldif.awk; do not edit."
	print "# Load it with: ldapadd -Y EXTERNAL -H ldapi:/// -f " name ".ldif"
	print "dn: cn=" name ",cn=schema,cn=config"
	print "objectClass: olcSchemaConfig"
	print "cn: " name
}
/^[ \t]*#/ || /^[ \t]*$/ { next }
/^attributetype[ \t]/ { sub(/^attributetype[ \t]+/, ""); print "olcAttributeTypes: " $0; next }
/^objectclass[ \t]/ { sub(/^objectclass[ \t]+/, ""); print "olcObjectClasses: " $0; next }
/^[ \t]/ { sub(/^[ \t]+/, ""); print "  " $0; next }
{ printf "%s:%d: unexpected line: %s\n", FILENAME, NR, $0 > "/dev/stderr"; exit 1 }
