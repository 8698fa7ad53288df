#include "common/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <map>
#include <mutex>

#include "common/client_address.hpp"

namespace omega::common {

namespace {

std::string last_openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown TLS error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

}  // namespace

std::string configure_tls_client_context(SSL_CTX* context, const std::string& ca_file) {
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(context) != 1)
      return "cannot load the system CA store: " + last_openssl_error();
    return "";
  }
  if (SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr) != 1)
    return "cannot load CA file " + ca_file + ": " + last_openssl_error();
  return "";
}

std::string prepare_tls_client(SSL* ssl, const std::string& host) {
  if (host.empty()) return "TLS needs a host name";
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (IpAddress::parse(host)) {
    // An address is checked against the certificate's IP entries, and gets no SNI.
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) return "bad IP address " + host;
    return "";
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) return "bad host name " + host;
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return "cannot set SNI " + host;
  return "";
}

std::shared_ptr<SSL_CTX> tls_client_context(const std::string& ca_file, std::string& error) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<SSL_CTX>> contexts;
  std::lock_guard lock(mutex);
  if (auto found = contexts.find(ca_file); found != contexts.end()) return found->second;
  std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!context) {
    error = "cannot create a TLS context: " + last_openssl_error();
    return nullptr;
  }
  error = configure_tls_client_context(context.get(), ca_file);
  if (!error.empty()) return nullptr;
  contexts.emplace(ca_file, context);
  return context;
}

std::string tls_failure_reason(SSL* ssl) {
  const long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (verify != X509_V_OK)
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return last_openssl_error();
}

}  // namespace omega::common
