"""The sex of common English given names: "Cecil" is a man, "Lucy" a woman.

A book's own pronouns decide a person's sex when they can (``scene.assign_genders``),
but a man named mostly in scenes with a woman gathers as many "she" as "he" after his
name and stays undecided. Common given names of the English-speaking world settle it
then; names used for both sexes (Evelyn, Leslie, Marion, Sidney) are left out.
"""

from __future__ import annotations

from characters.extract.model import Entity
from characters.extract.names_en import split_title

MALE = frozenset(
    """Adam Alan Albert Alexander Alfred Ambrose Andrew Anthony Arthur Augustus Austin
    Basil Benjamin Bertie Bertram Bill Bob Cecil Charles Charley Charlie Claude Clement
    Cyril Daniel David Denis Dick Dudley Edgar Edmund Edward Edwin Eric Ernest Felix Francis
    Frank Fred Frederick Gabriel Geoffrey George Gerald Gilbert Guy Harold Harry Henry
    Herbert Horace Howard Hugh Humphrey Jack James Jasper Jim John Joseph Julian Julius
    Kenneth Lawrence Leonard Lewis Lionel Louis Luke Mark Martin Matthew Maurice Michael Ned
    Nicholas Oliver Oscar Owen Patrick Paul Percy Peter Philip Ralph Reginald Richard Robert
    Roger Rupert Samuel Stephen Theodore Thomas Timothy Tom Tony Victor Vincent Walter
    William""".split()
)
FEMALE = frozenset(
    """Agnes Alice Amelia Amy Ann Anna Anne Annie Beatrice Bertha Betsy Betty Bridget
    Caroline Cassandra Catherine Cecilia Celia Charlotte Christina Clara Clarissa Constance
    Cordelia Daisy Diana Dora Dorothy Edith Eleanor Eliza Elizabeth Ellen Emily Emma Esther
    Ethel Eva Evie Fanny Flora Florence Frances Georgiana Gertrude Gladys Grace Hannah
    Harriet Helen Henrietta Hester Ida Irene Isabel Isabella Jane Jenny Jessie Joan
    Josephine Judith Julia Juliet Kate Katharine Katherine Kitty Laura Lilian Lily Lizzy
    Louisa Lucy Lydia Mabel Maggie Margaret Margery Maria Marian Marianne Marjorie Martha Mary
    Matilda Maud Mildred Millicent Minnie Miriam Muriel Nancy Nelly Nora Norah Olivia Pamela
    Penelope Phoebe Polly Priscilla Rachel Rebecca Rosa Rose Ruth Sally Sarah Sophia Sophie
    Susan Sylvia Theresa Ursula Vera Violet Virginia Winifred""".split()
)


def given_name_genders(entities: list[Entity]) -> None:
    """Fill in the sex of people the pronouns left undecided, from their given names."""
    for ent in entities:
        if ent.gender or ent.kind != "person":
            continue
        votes = {_sex(alias) for alias in ent.aliases} - {""}
        if len(votes) == 1:
            ent.gender = votes.pop()  # type: ignore[assignment]


def _sex(alias: str) -> str:
    title, words = split_title(alias)
    if title or not words:
        return ""
    return "m" if words[0] in MALE else "f" if words[0] in FEMALE else ""
