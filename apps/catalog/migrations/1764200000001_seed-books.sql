-- The demo shop's shelf. A migration rather than a seed step at every start: it runs once per schema under
-- the migration lock (so nodes starting together never race), and a book an operator later removes or
-- re-prices stays that way instead of coming back at the next start. ON CONFLICT DO NOTHING keeps it safe
-- on a schema where some of these ids already exist.

-- Up Migration
INSERT INTO books (id, title, author, price_cents) VALUES
  ('pride-and-prejudice', 'Pride and Prejudice', 'Jane Austen', 899),
  ('middlemarch', 'Middlemarch', 'George Eliot', 1299),
  ('moby-dick', 'Moby-Dick', 'Herman Melville', 1150),
  ('great-expectations', 'Great Expectations', 'Charles Dickens', 999),
  ('anna-karenina', 'Anna Karenina', 'Leo Tolstoy', 1399),
  ('crime-and-punishment', 'Crime and Punishment', 'Fyodor Dostoevsky', 1199),
  ('madame-bovary', 'Madame Bovary', 'Gustave Flaubert', 949),
  ('to-the-lighthouse', 'To the Lighthouse', 'Virginia Woolf', 1049),
  ('the-trial', 'The Trial', 'Franz Kafka', 899),
  ('nineteen-eighty-four', 'Nineteen Eighty-Four', 'George Orwell', 999),
  ('brave-new-world', 'Brave New World', 'Aldous Huxley', 949),
  ('the-great-gatsby', 'The Great Gatsby', 'F. Scott Fitzgerald', 849),
  ('one-hundred-years-of-solitude', 'One Hundred Years of Solitude', 'Gabriel García Márquez', 1499),
  ('things-fall-apart', 'Things Fall Apart', 'Chinua Achebe', 1099),
  ('beloved', 'Beloved', 'Toni Morrison', 1249),
  ('the-left-hand-of-darkness', 'The Left Hand of Darkness', 'Ursula K. Le Guin', 1099),
  ('dune', 'Dune', 'Frank Herbert', 1399),
  ('foundation', 'Foundation', 'Isaac Asimov', 999),
  ('the-hobbit', 'The Hobbit', 'J. R. R. Tolkien', 1199),
  ('frankenstein', 'Frankenstein', 'Mary Shelley', 799),
  ('dracula', 'Dracula', 'Bram Stoker', 849),
  ('the-name-of-the-rose', 'The Name of the Rose', 'Umberto Eco', 1349),
  ('invisible-cities', 'Invisible Cities', 'Italo Calvino', 1049),
  ('the-remains-of-the-day', 'The Remains of the Day', 'Kazuo Ishiguro', 1149),
  ('wolf-hall', 'Wolf Hall', 'Hilary Mantel', 1599),
  ('the-master-and-margarita', 'The Master and Margarita', 'Mikhail Bulgakov', 1249),
  ('the-structure-of-scientific-revolutions', 'The Structure of Scientific Revolutions', 'Thomas S. Kuhn', 1899),
  ('goedel-escher-bach', 'Gödel, Escher, Bach', 'Douglas R. Hofstadter', 2499),
  ('the-mythical-man-month', 'The Mythical Man-Month', 'Frederick P. Brooks Jr.', 3299),
  ('structure-and-interpretation-of-computer-programs', 'Structure and Interpretation of Computer Programs', 'Harold Abelson and Gerald Jay Sussman', 4999)
ON CONFLICT (id) DO NOTHING;

-- Down Migration
DELETE FROM books WHERE id IN (
  'pride-and-prejudice', 'middlemarch', 'moby-dick', 'great-expectations', 'anna-karenina',
  'crime-and-punishment', 'madame-bovary', 'to-the-lighthouse', 'the-trial', 'nineteen-eighty-four',
  'brave-new-world', 'the-great-gatsby', 'one-hundred-years-of-solitude', 'things-fall-apart', 'beloved',
  'the-left-hand-of-darkness', 'dune', 'foundation', 'the-hobbit', 'frankenstein', 'dracula',
  'the-name-of-the-rose', 'invisible-cities', 'the-remains-of-the-day', 'wolf-hall',
  'the-master-and-margarita', 'the-structure-of-scientific-revolutions', 'goedel-escher-bach',
  'the-mythical-man-month', 'structure-and-interpretation-of-computer-programs'
);
