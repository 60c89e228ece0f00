package io.mpp.discovery.kubernetes;

/** The objects a Kubernetes locator reads its backends from: listed at every selection, watched in between. */
interface ObjectSource {

    /** Lists the objects now. */
    Listing list() throws ApiCallException;

    /** The kind of object to watch, as of the last {@link #list()}. */
    ObjectKind kind();

    /** A source of one kind of object. */
    static ObjectSource of(ApiServer api, ObjectKind kind) {
        return new ObjectSource() {
            @Override
            public Listing list() throws ApiCallException {
                return api.list(kind);
            }

            @Override
            public ObjectKind kind() {
                return kind;
            }
        };
    }
}
