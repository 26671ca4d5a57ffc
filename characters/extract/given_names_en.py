"""The sex of common English given names: "Cecil" is a man, "Lucy" a woman.

A book's own pronouns decide a person's sex when they can (``scene.assign_genders``),
but a man named mostly in scenes with a woman gathers as many "she" as "he" after his
name and stays undecided. Common given names of the English-speaking world settle it
then; names used for both sexes (Evelyn, Leslie, Marion, Sidney) are left out.
"""

from __future__ import annotations

from characters.extract.mentions import ROLE_GENDER
from characters.extract.model import Entity
from characters.extract.names_en import split_title, title_gender

MALE = frozenset(
    """Abraham Adam Adolphus Alan Alaric Albert Alexander Alfred Algernon Alphonse Ambrose Amos
    Andrew Angus Anthony Archibald Archie Arnold Arthur Augustus Austin Barnaby Barney
    Bartholomew Basil Ben Benjamin Bernard Bertie Bertram Bertrand Bill Bob Bradley Bruce
    Caleb Carl Cecil Cedric Charles Charley Charlie Christopher Clarence Claude Clement
    Clifford Colin Conrad Cornelius Cyril Dan Daniel David Denis Dennis Derek Dick Dominic
    Donald Douglas Dudley Duncan Ebenezer Edgar Edmond Edmund Edward Edwin Eli Elijah
    Emmanuel Enoch Ephraim Eric Ernest Ezra Felix Ferdinand Fergus Francis Frank Fred
    Frederick Gabriel Gareth Gavin Geoffrey George Gerald Gideon Gilbert Giles Godfrey
    Gordon Graham Gregory Gustave Guy Hal Hamish Hans Harold Harry Harvey Hector Henry
    Herbert Herman Horace Howard Hubert Hugh Humphrey Ian Ichabod Isaac Ivan Jack Jacob Jake
    James Jasper Jeremiah Jeremy Jerome Jesse Jim Jock Joe Joel John Johnny Jonas Jonathan
    Joseph Josiah Julian Julius Kenneth Kit Laurence Lawrence Leo Leonard Leopold Lewis
    Lionel Lorenzo Louis Lucas Lucius Luke Malcolm Marcus Mark Martin Matthew Matthias
    Maurice Max Maximilian Micah Michael Miles Mortimer Moses Nat Nathan Nathaniel Ned Neddy
    Neville Nicholas Nick Nigel Noah Norman Obadiah Oliver Osbert Oscar Otto Owen Pat
    Patrick Paul Percy Perry Peter Phil Philip Pip Quentin Ralph Randolph Raymond Reggie
    Reginald Reuben Rex Richard Robert Rodney Roger Roland Ronald Rowland Roy Rufus Rupert
    Sam Sammy Samuel Saul Sebastian Septimus Seth Silas Simeon Simon Solomon Stanley Stephen
    Sydney Teddy Terence Thaddeus Theodore Thomas Tim Timothy Tobias Toby Tom Tony Tristram
    Ulysses Valentine Victor Vincent Wallace Walt Walter Wilfred Wilfrid William Willie
    Willoughby Winston Zachary""".split()
)
FEMALE = frozenset(
    """Ada Adela Adelaide Adeline Agatha Agnes Alexandra Alice Alicia Allie Almira Amanda
    Amelia Amy Anastasia Angela Angelina Ann Anna Annabel Annabella Anne Annie Antoinette
    Arabella Augusta Aurelia Aurora Barbara Beatrice Belinda Bella Bertha Bess Bessie Betsy
    Betty Blanche Bridget Camilla Candace Carlotta Caroline Carrie Cassandra Cassie
    Catharine Catherine Cathy Cecilia Celia Charity Charlotte Chloe Christina Cicely Cissy
    Claire Clara Clarice Clarissa Claudia Clementine Constance Cora Cordelia Cornelia Daisy
    Daphne Deborah Delia Diana Dinah Dolly Dora Dorcas Dorinda Dorothy Drusilla Edith Edna
    Effie Eleanor Elinor Eliza Elizabeth Ella Ellen Ellie Elsie Emilia Emily Emma Emmeline
    Estella Esther Ethel Eugenia Eunice Euphemia Eva Evangeline Evelina Evie Fanny Felicia
    Fidelia Flora Florence Frances Georgiana Georgina Geraldine Gertrude Gladys Grace
    Gwendolen Hannah Harriet Hattie Hatty Helen Henrietta Hester Hetty Hilda Honoria
    Hortense Ida Imogen Irene Isabel Isabella Isadora Jacqueline Jane Janet Jemima Jennie
    Jenny Jessica Jessie Joan Joanna Josephine Josie Judith Julia Juliana Julie Juliet Kate
    Katharine Katherine Katie Katy Kezia Kitty Laetitia Laura Lavinia Leonora Letitia
    Lettice Lilian Lilla Lillian Lily Lizzy Lottie Louisa Louise Lucilla Lucinda Lucretia
    Lucy Lydia Mabel Madeline Madge Maggie Mamie Marcia Margaret Margery Margot Marguerite
    Maria Marian Marianne Marjorie Marjory Martha Mary Matilda Mattie Maud May Meg Melissa
    Mercy Mildred Millicent Milly Minerva Minnie Miriam Mollie Molly Muriel Myra Nan Nance
    Nancy Nell Nellie Nelly Nettie Nina Nora Norah Octavia Olive Olivia Ophelia Pamela
    Patience Patty Pauline Pearl Peggy Penelope Philippa Phoebe Phyllis Polly Priscilla
    Prudence Rachel Rebecca Rhoda Roberta Rosa Rosalind Rosamond Rose Rosie Ruth Sabina
    Sally Sarah Selina Sibyl Sophia Sophie Susan Susanna Susannah Sybil Sylvia Tabitha
    Teresa Tess Tessa Theresa Thomasina Tilly Tina Ursula Valeria Vera Victoria Viola Violet
    Virginia Wilhelmina Winifred Winnie Zillah Zoe""".split()
)


def given_name_genders(entities: list[Entity]) -> None:
    """Fill in the sex of people the pronouns left undecided, from their given names; and
    correct it where the pronouns disagree with a name that has only one sex and no title
    says otherwise (Charlotte, the Sowerberrys' maid, is mostly named beside Noah's "he")."""
    for ent in entities:
        if ent.kind != "person":
            continue
        votes = {_sex(alias) for alias in ent.aliases} - {""}
        titled = {title_gender(split_title(alias)[0]) for alias in ent.aliases} - {""}
        if len(votes) == 1 and (not ent.gender or not titled):
            ent.gender = votes.pop()  # type: ignore[assignment]


def _sex(alias: str) -> str:
    title, words = split_title(alias)
    if title.islower():  # "the parlourmaid", "the man in the cloak": the head noun tells
        head = title.split(" in ")[0].split(" with ")[0].split()[-1]
        return _ROLE_SEX.get(head, "")
    if title or not words:
        return ""
    return "m" if words[0] in MALE else "f" if words[0] in FEMALE else ""


# the pronoun-like role nouns of ``mentions`` and the jobs a minor character is named by
_ROLE_SEX = (
    ROLE_GENDER
    | dict.fromkeys(
        "footman butler valet waiter coachman chaplain vicar rector parson monk landlord "
        "policeman beadle".split(),
        "m",
    )
    | dict.fromkeys(
        "parlourmaid housemaid nursemaid nanny matron governess cook".split(),
        "f",
    )
)
