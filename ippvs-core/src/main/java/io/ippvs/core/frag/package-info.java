/** The reassembly-free IPv4 fragment cache that lets non-first fragments follow their first fragment's connection. */
package io.ippvs.core.frag;
