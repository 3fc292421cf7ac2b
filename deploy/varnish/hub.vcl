# Varnish in front of the hub (Varnish 7, vmod xkey from varnish-modules).
#
# Caches what the hub says may be cached, for as long as it says (Cache-Control), keyed by URL:
# anonymous GETs of /graphql, feeds, oEmbed, the sections map. Requests with a token pass.
# Every answer is tagged with the hub's Surrogate-Key; the hub purges them when content changes
# by sending `PURGE` with an `xkey-purge: Post Post:12 Query` header (HUB_DELIVERY_VARNISH_URL),
# from the addresses in the `purgers` ACL only.
#
# Point the backend at `hub serve` (or at a load balancer over several hosts), then run:
#   varnishd -a :6081 -f /etc/varnish/hub.vcl -s malloc,256m
vcl 4.1;

import std;
import xkey;

backend hub {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header listing surrogate keys"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        # The hub answers each token's requests for that token only (private, no-store).
        return (pass);
    }
    # The hub sets and reads no cookies: they must not split or bypass the cache.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Never older than the hub's max-age: purges keep answers fresh, expiry is the fallback,
    # and grace would serve expired answers.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
