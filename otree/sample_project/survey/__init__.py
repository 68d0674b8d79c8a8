import datetime

from otree.api import *

doc = """
A short questionnaire that shows every kind of form field and widget: whole numbers, decimals,
currency, a number with its own unit, text, long text, dropdowns, radio buttons (stacked and in a
row), Yes/No questions, checkboxes and a pick-several list. It also shows the validation hooks: a
check on one field (`<field>_error_message`), a maximum computed at run time (`<field>_max`), a check
across fields (the page's `error_message`) and questions that depend on earlier answers
(`get_form_fields`). The last page summarizes the answers.
"""


class Centimeters(DecimalUnit):
    """Body height: typed and shown with one decimal, e.g. 172.5 cm."""

    storage_places = 1
    input_places = 1
    input_unit_label = 'cm'

    def output(formatted, raw):
        return f'{formatted} cm'


class C(BaseConstants):
    NAME_IN_URL = 'survey'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    COMPLETION_BONUS = cu(50)
    MAX_HOBBIES = 3


def current_year() -> int:
    return datetime.date.today().year


STUDY_LEVELS = [
    ['bachelor', "Bachelor's degree"],
    ['master', "Master's degree"],
    ['doctorate', 'Doctorate'],
    ['other', 'Other programme'],
]
WORK_SECTORS = [
    ['private', 'Private company'],
    ['public', 'Public sector'],
    ['nonprofit', 'Non-profit organisation'],
    ['self', 'Self-employed'],
    ['none', 'Not working at the moment'],
]
COMMUTE_MODES = [
    ['walk', 'On foot'],
    ['bike', 'By bicycle'],
    ['transit', 'By bus, tram or train'],
    ['car', 'By car or motorbike'],
    ['home', 'I work or study from home'],
]
HOBBIES = [
    ['reading', 'Reading'],
    ['sports', 'Sports'],
    ['music', 'Playing music'],
    ['games', 'Board or video games'],
    ['cooking', 'Cooking'],
    ['outdoors', 'Hiking and being outdoors'],
]
SATISFACTION_LEVELS = [
    ['very_low', 'Very dissatisfied'],
    ['low', 'Dissatisfied'],
    ['neutral', 'Neither'],
    ['high', 'Satisfied'],
    ['very_high', 'Very satisfied'],
]


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    # Page "About you"
    age = models.IntegerField(label="How old are you?", min=16, max=110)
    birth_year = models.IntegerField(label="In which year were you born?", min=1900)
    height = models.DecimalField(unit=Centimeters, label="How tall are you?", min=50, max=250)
    is_student = models.BooleanField(label="Are you currently enrolled as a student?")

    # Page "Your main activity" (students and non-students see different questions)
    field_of_study = models.StringField(label="What is your main field of study?", max_length=80)
    study_level = models.StringField(label="Which degree are you working towards?", choices=STUDY_LEVELS)
    occupation = models.StringField(label="What is your occupation?", max_length=80)
    work_sector = models.StringField(label="In which sector do you work?", choices=WORK_SECTORS)

    # Page "Daily life"
    sleep_hours = models.FloatField(
        label="On a typical night, how many hours do you sleep?",
        min=0,
        max=24,
        help_text="Decimals are fine, e.g. 7.5",
    )
    commute = models.StringField(
        label="How do you usually get to work or class?", choices=COMMUTE_MODES, widget=widgets.RadioSelect
    )
    hobbies = models.MultiStringField(
        label=f"What do you enjoy doing in your free time? Pick up to {C.MAX_HOBBIES}.", choices=HOBBIES
    )

    # Page "Opinions"
    life_satisfaction = models.StringField(
        label="All things considered, how satisfied are you with your life these days?",
        choices=SATISFACTION_LEVELS,
        widget=widgets.RadioSelectHorizontal,
    )
    trust_people = models.IntegerField(
        label="Generally speaking, can most people be trusted?",
        help_text="0 = you can't be too careful with people, 10 = most people can be trusted",
        choices=list(range(0, 11)),
        widget=widgets.RadioSelectHorizontal,
    )
    ticket_price = models.CurrencyField(
        label="What is the most you would pay for a ticket to see your favourite band live?", max=1000
    )
    comments = models.LongStringField(label="Is there anything else you would like to tell us?", blank=True)
    future_studies = models.BooleanField(
        label="Invite me to future studies", widget=widgets.Checkbox, blank=True
    )
    data_consent = models.BooleanField(
        label="I agree that my anonymous answers may be used for research", widget=widgets.Checkbox
    )


# FUNCTIONS
def birth_year_max(player: Player):
    return current_year()


def field_of_study_error_message(player: Player, value):
    if not any(ch.isalpha() for ch in value):
        return "Please describe your field of study in words."


def hobbies_error_message(player: Player, value):
    if len(value) > C.MAX_HOBBIES:
        return f"Please pick at most {C.MAX_HOBBIES} activities (you picked {len(value)})."


def label_of(choices, value):
    return dict(choices).get(value, value)


# PAGES
class AboutYou(Page):
    form_model = 'player'
    form_fields = ['age', 'birth_year', 'height', 'is_student']

    @staticmethod
    def error_message(player: Player, values):
        # Depending on the birthday, age + birth year is this year or last year.
        if values['age'] + values['birth_year'] not in (current_year(), current_year() - 1):
            return "Your age does not fit your year of birth. Please check both answers."


class MainActivity(Page):
    form_model = 'player'

    @staticmethod
    def get_form_fields(player: Player):
        if player.is_student:
            return ['field_of_study', 'study_level']
        return ['occupation', 'work_sector']


class DailyLife(Page):
    form_model = 'player'
    form_fields = ['sleep_hours', 'commute', 'hobbies']


class Opinions(Page):
    form_model = 'player'
    form_fields = ['life_satisfaction', 'trust_people', 'ticket_price', 'comments', 'future_studies',
                   'data_consent']

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.payoff = C.COMPLETION_BONUS


class Summary(Page):
    @staticmethod
    def vars_for_template(player: Player):
        if player.is_student:
            activity = [
                ("Field of study", player.field_of_study),
                ("Degree", player.get_study_level_display()),
            ]
        else:
            activity = [
                ("Occupation", player.occupation),
                ("Sector", player.get_work_sector_display()),
            ]
        answers = [
            ("Age", player.age),
            ("Year of birth", player.birth_year),
            ("Height", player.height),
            ("Student", "Yes" if player.is_student else "No"),
            *activity,
            ("Hours of sleep", player.sleep_hours),
            ("Commute", player.get_commute_display()),
            ("Free time", ", ".join(label_of(HOBBIES, h) for h in player.hobbies)),
            ("Life satisfaction", player.get_life_satisfaction_display()),
            ("Trust in people (0-10)", player.trust_people),
            ("Most you would pay for a concert ticket", player.ticket_price),
            ("Comments", player.comments or "(none)"),
            ("Invitations to future studies", "Yes" if player.future_studies else "No"),
        ]
        return dict(answers=answers)


page_sequence = [AboutYou, MainActivity, DailyLife, Opinions, Summary]
