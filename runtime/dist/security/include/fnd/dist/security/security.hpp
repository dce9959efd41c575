// fnd_security: closed cluster membership for the distribution layer (docs/distribution.md,
// "Security"). One include for everything.
#pragma once

#include "fnd/dist/security/admission.hpp"
#include "fnd/dist/security/allow_list.hpp"
#include "fnd/dist/security/cluster_security.hpp"
#include "fnd/dist/security/curve_sockets.hpp"
#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"
#include "fnd/dist/security/keygen.hpp"
#include "fnd/dist/security/keys.hpp"
#include "fnd/dist/security/metrics.hpp"
#include "fnd/dist/security/z85.hpp"
#include "fnd/dist/security/zap_handler.hpp"
