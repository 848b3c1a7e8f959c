# refcheck.sh: refs_dangling prints every DN-valued reference of the policy objects that
# names no entry (empty output: nothing is half-referenced).  Source after slapd.sh.
refs_dangling() {
	ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
	    -y "$SLAPD_ROOTPW_FILE" -b "$SLAPD_BASE" "(objectClass=*)" \
	    ipsecpolRuleRef ipsecpolMainModeRef ipsecpolFilterListRef ipsecpolFilterActionRef \
	    ipsecpolAssignedPolicy |
	awk 'BEGIN { IGNORECASE = 1 }
	/^dn: / { dn = tolower(substr($0, 5)); have[dn] = 1; next }
	/^ipsecpol[A-Za-z]*: / {
		v = $0; sub(/^[^:]*: /, "", v); sub(/^\{[0-9]+\}/, "", v)
		ref[tolower(v)] = dn " -> " $0
	}
	END { for (r in ref) if (!(r in have)) print ref[r] }'
}
