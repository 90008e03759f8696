/** The ipvsadm command interpreter, its listings, rules files and Prometheus text. */
package io.ippvs.core.admin;
