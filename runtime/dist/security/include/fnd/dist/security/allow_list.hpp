// The allow-list file: public keys of nodes admitted with their own key pair (besides, or instead
// of, the cluster key). One key per line, optionally followed by a name; `#` comments on their own
// lines:
//
//   # node keys admitted to cluster "shop"
//   rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7 n1
//   Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID n2
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fnd/dist/security/keys.hpp"

namespace fnd::dist::security {

struct AllowedKey {
  PublicKey key;
  std::string name;  // may be empty; becomes the connection's ZAP User-Id when non-empty
  int line = 0;
};

// file is used in error messages only. A key listed twice is an error.
std::vector<AllowedKey> parseAllowList(std::string_view text, const std::string& file);
std::vector<AllowedKey> loadAllowListFile(const std::string& path);

}  // namespace fnd::dist::security
