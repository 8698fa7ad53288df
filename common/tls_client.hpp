// The client side of TLS for every program that connects out over https:// or wss:// (bots,
// desktop client, health probes): one policy in one place. Certificates are always verified —
// against the system's CA store, or against a private CA file instead (`--ca-file`) — and so
// is the host name (DNS name or IP address); SNI is sent for DNS names (RFC 6066 forbids it for
// addresses). There is no switch that turns verification off.
//
// OpenSSL only, no Boost: Beast users hand in `context.native_handle()` and
// `stream.native_handle()`; raw-socket users take a context from tls_client_context().
//
// Thread safety: the functions share no mutable state except tls_client_context()'s cache,
// which is guarded; an SSL_CTX is safe to share between threads once configured.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;  // SSL_CTX
struct ssl_st;      // SSL

namespace omega::common {

// Makes `context` verify servers: peer certificate required, trusted roots from `ca_file`
// (PEM, one or more certificates) or, when it is empty, the system's default CA store; TLS 1.2
// at least; a peer that closes without close_notify reads as end of stream (responses are
// length-checked by the HTTP layer). Returns "" or why the CA file could not be used.
std::string configure_tls_client_context(ssl_ctx_st* context, const std::string& ca_file);

// Per connection, before the handshake: SNI and the name the certificate must carry (`host` is
// a DNS name or an IPv4/IPv6 address, without brackets). Returns "" or an error.
std::string prepare_tls_client(ssl_st* ssl, const std::string& host);

// A shared, configured client context per CA file ("" = system CAs), made once per process.
// nullptr with `error` set when the CA file cannot be read.
std::shared_ptr<ssl_ctx_st> tls_client_context(const std::string& ca_file, std::string& error);

// Why a handshake failed, for logs and reports: the certificate verification result when that
// was the cause ("certificate verify failed: hostname mismatch"), else OpenSSL's last error.
std::string tls_failure_reason(ssl_st* ssl);

}  // namespace omega::common
