// Tokenizer: replies Words for each Text (words of at least min_length letters, and the longest),
// and Total on Flush.
#include "tokenizer.hpp"

#include <sstream>

namespace extern_actor {

void Tokenizer::on_message(fnd::Message& m) {
  if (auto* t = m.try_get<Text>()) {
    std::istringstream in(t->line);
    std::string w, longest;
    std::int64_t count = 0;
    while (in >> w) {
      if (static_cast<std::int64_t>(w.size()) < min_length_) continue;
      ++count;
      if (w.size() > longest.size()) longest = w;
    }
    ++lines_;
    words_ += count;
    reply(Words{.count = count, .longest = longest});
  } else if (m.is<Flush>()) {
    reply(Total{.lines = lines_, .words = words_});
  }
}

}  // namespace extern_actor
