/** The service table, the running state of services and real servers, persistence templates. */
package io.ippvs.core.service;
