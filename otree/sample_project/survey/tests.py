import datetime

from otree.api import Currency as cu, currency_range, expect, Bot, Submission, SubmissionMustFail
from . import *


def valid_about_you(age, is_student, height='172.5'):
    this_year = datetime.date.today().year
    return dict(age=age, birth_year=this_year - age, height=height, is_student=is_student)


class PlayerBot(Bot):
    cases = ['student', 'employee']

    def play_round(self):
        this_year = datetime.date.today().year
        student = self.case == 'student'
        age = 21 if student else 45

        # AboutYou: built-in checks (min, max from a hook, wrong type, invalid choice) ...
        yield SubmissionMustFail(AboutYou, dict(valid_about_you(age, student), age=15), error_fields=['age'])
        yield SubmissionMustFail(AboutYou, dict(valid_about_you(age, student), age='twenty'), error_fields=['age'])
        yield SubmissionMustFail(
            AboutYou, dict(valid_about_you(age, student), birth_year=this_year + 1), error_fields=['birth_year']
        )
        yield SubmissionMustFail(AboutYou, dict(valid_about_you(age, student), height='300'), error_fields=['height'])
        yield SubmissionMustFail(
            AboutYou, dict(valid_about_you(age, student), is_student='Maybe'), error_fields=['is_student']
        )
        yield SubmissionMustFail(
            AboutYou,
            dict(birth_year=this_year - age, is_student=student),
            error_fields=['age', 'height'],
        )
        # ... and the page's own cross-field check: age and year of birth must agree.
        yield SubmissionMustFail(AboutYou, dict(valid_about_you(age, student), birth_year=this_year - age - 10))
        expect('Your age does not fit your year of birth', 'in', self.html)
        yield AboutYou, valid_about_you(age, student, height='172.5' if student else '180')

        # MainActivity asks different questions depending on the previous answer.
        if student:
            expect('id_field_of_study', 'in', self.html)
            expect('id_occupation', 'not in', self.html)
            yield SubmissionMustFail(
                MainActivity, dict(field_of_study='12345', study_level='master'), error_fields=['field_of_study']
            )
            yield SubmissionMustFail(
                MainActivity, dict(field_of_study='Economics', study_level='kindergarten'),
                error_fields=['study_level'],
            )
            yield SubmissionMustFail(MainActivity, dict(), error_fields=['field_of_study', 'study_level'])
            yield MainActivity, dict(field_of_study='Economics', study_level='master')
        else:
            expect('id_occupation', 'in', self.html)
            expect('id_field_of_study', 'not in', self.html)
            yield SubmissionMustFail(MainActivity, dict(occupation='Nurse'), error_fields=['work_sector'])
            yield SubmissionMustFail(
                MainActivity, dict(occupation='x' * 81, work_sector='public'), error_fields=['occupation']
            )
            yield MainActivity, dict(occupation='Nurse', work_sector='public')

        # DailyLife: a float, radio buttons and a pick-several list with its own limit.
        hobbies = ['reading', 'music'] if student else ['sports']
        daily = dict(sleep_hours=7.5, commute='bike' if student else 'transit', hobbies=hobbies)
        yield SubmissionMustFail(DailyLife, dict(daily, sleep_hours=25), error_fields=['sleep_hours'])
        yield SubmissionMustFail(DailyLife, dict(daily, sleep_hours='seven'), error_fields=['sleep_hours'])
        yield SubmissionMustFail(DailyLife, dict(daily, commute='rocket'), error_fields=['commute'])
        yield SubmissionMustFail(DailyLife, dict(daily, hobbies=[]), error_fields=['hobbies'])
        yield SubmissionMustFail(DailyLife, dict(daily, hobbies=['flying']), error_fields=['hobbies'])
        yield SubmissionMustFail(
            DailyLife, dict(daily, hobbies=['reading', 'sports', 'music', 'cooking']), error_fields=['hobbies']
        )
        expect('Please pick at most 3 activities', 'in', self.html)
        yield DailyLife, daily

        # Opinions: horizontal radio buttons, currency, long text and two checkboxes.
        opinions = dict(
            life_satisfaction='high' if student else 'very_high',
            trust_people=7 if student else 4,
            ticket_price=40 if student else cu(120),
            comments='' if student else 'Interesting questions.\nThanks!',
            data_consent=True,
        )
        if not student:
            opinions['future_studies'] = True
        yield SubmissionMustFail(Opinions, dict(opinions, trust_people=11), error_fields=['trust_people'])
        yield SubmissionMustFail(Opinions, dict(opinions, ticket_price=-5), error_fields=['ticket_price'])
        yield SubmissionMustFail(Opinions, dict(opinions, ticket_price=1001), error_fields=['ticket_price'])
        yield SubmissionMustFail(
            Opinions, dict(opinions, life_satisfaction='ecstatic'), error_fields=['life_satisfaction']
        )
        no_consent = {k: v for k, v in opinions.items() if k != 'data_consent'}
        yield SubmissionMustFail(Opinions, no_consent, error_fields=['data_consent'])
        yield Opinions, opinions

        # Every answer was stored with its field's type.
        player = self.player
        expect(player.age, age)
        expect(player.birth_year, this_year - age)
        expect(player.height, Centimeters('172.5' if student else '180'))
        expect(player.is_student, student)
        expect(player.sleep_hours, 7.5)
        expect(player.hobbies, hobbies)
        expect(player.trust_people, opinions['trust_people'])
        expect(player.ticket_price, cu(opinions['ticket_price']))
        expect(player.comments, opinions['comments'])
        expect(player.future_studies, not student)
        expect(player.data_consent, True)
        if student:
            expect(player.field_of_study, 'Economics')
            expect(player.field_maybe_none('occupation'), None)
        else:
            expect(player.work_sector, 'public')
            expect(player.field_maybe_none('field_of_study'), None)
        expect(player.payoff, C.COMPLETION_BONUS)
        expect(self.participant.payoff, C.COMPLETION_BONUS)

        # The summary shows the labels of the chosen options, not their codes.
        if student:
            for text in ["Master&#39;s degree", 'Reading, Playing music', 'By bicycle', '172.5 cm', '(none)']:
                expect(text, 'in', self.html)
        else:
            for text in ['Public sector', 'Sports', 'By bus, tram or train', 'Very satisfied', '180 cm']:
                expect(text, 'in', self.html)
        yield Summary
