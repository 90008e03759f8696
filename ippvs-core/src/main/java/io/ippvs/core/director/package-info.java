/** The Director: the one place where parse, lookup, schedule, state, rewrite and accounting meet. */
package io.ippvs.core.director;
