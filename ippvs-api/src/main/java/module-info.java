/**
 * The types applications program against: virtual services, real servers, schedulers, packet
 * rewriters and the values they exchange. Depends on nothing but the JDK.
 */
module io.ippvs.api {
    exports io.ippvs.api;
}
